"""What the dashboard shows, computed without Streamlit: views, the folium map, escaped excerpts."""
